"""A table test handlers record what they applied in."""

from sqlalchemy import Column, MetaData, Table
from sqlalchemy.dialects.postgresql import UUID

applied_metadata = MetaData()
applied = Table("applied", applied_metadata, Column("event_id", UUID(as_uuid=True), primary_key=True))
