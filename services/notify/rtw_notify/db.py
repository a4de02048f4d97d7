"""The service's declarative base: a class of its own (not `rtw_shared.db.new_base()`'s return value), so
mypy types the models that derive from it; one MetaData per service, with the library's naming convention."""

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from rtw_shared.db import NAMING_CONVENTION


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
