"""Kafka plumbing: client factories, the outbox relay, the idempotent consumer and its handlers'
wiring, parking, pruning and dead-letter replay. It builds on the layers beneath it (the topic
catalogue `rtw_shared.topics`, the events, the outbox and inbox tables `rtw_shared.event_tables`
and the Unit of Work), none of which imports it."""
