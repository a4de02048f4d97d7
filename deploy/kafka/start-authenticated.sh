#!/usr/bin/env bash
# Starts a single-node KRaft broker on which clients must authenticate (SASL/SCRAM-SHA-512) and
# the standard authorizer denies whatever no ACL allows: docker compose's `kafka` service runs it
# in the apache/kafka image. The `admin` principal is created when the storage is formatted; the
# services' principals, their ACLs and the topics come after, from `python -m
# rtw_devstack.kafka_access` (compose's `kafka-access`). The same settings as `make up`'s broker
# (deploy/devstack/rtw_devstack/kafka.py).
#
# Environment: KAFKA_ADMIN_PASSWORD (required), KAFKA_HOME (/opt/kafka), KAFKA_DATA (/var/lib/kafka/data),
# INTERNAL_LISTENER (0.0.0.0:29092) / INTERNAL_ADVERTISED (kafka:29092) for the other containers,
# EXTERNAL_LISTENER (0.0.0.0:9092) / EXTERNAL_ADVERTISED (127.0.0.1:59092) for the host,
# CONTROLLER_PORT (9093, loopback only).
set -euo pipefail
: "${KAFKA_ADMIN_PASSWORD:?set KAFKA_ADMIN_PASSWORD}"
KAFKA_HOME=${KAFKA_HOME:-/opt/kafka}
KAFKA_DATA=${KAFKA_DATA:-/var/lib/kafka/data}
INTERNAL_LISTENER=${INTERNAL_LISTENER:-0.0.0.0:29092}
INTERNAL_ADVERTISED=${INTERNAL_ADVERTISED:-kafka:29092}
EXTERNAL_LISTENER=${EXTERNAL_LISTENER:-0.0.0.0:9092}
EXTERNAL_ADVERTISED=${EXTERNAL_ADVERTISED:-127.0.0.1:59092}
CONTROLLER_PORT=${CONTROLLER_PORT:-9093}
CONFIG="$KAFKA_DATA/server.properties"
mkdir -p "$KAFKA_DATA/storage"

jaas() {  # how a listener's broker side logs in to the other brokers (here: itself)
  echo "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"$KAFKA_ADMIN_PASSWORD\";"
}

cat > "$CONFIG" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=INTERNAL://$INTERNAL_LISTENER,EXTERNAL://$EXTERNAL_LISTENER,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=INTERNAL://$INTERNAL_ADVERTISED,EXTERNAL://$EXTERNAL_ADVERTISED
controller.listener.names=CONTROLLER
inter.broker.listener.name=INTERNAL
listener.security.protocol.map=CONTROLLER:PLAINTEXT,INTERNAL:SASL_PLAINTEXT,EXTERNAL:SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.internal.scram-sha-512.sasl.jaas.config=$(jaas)
listener.name.external.scram-sha-512.sasl.jaas.config=$(jaas)
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
# admin: provisioning and tools; ANONYMOUS: the broker talking to its own controller over the
# loopback-only controller listener (no other container can reach it).
super.users=User:admin;User:ANONYMOUS
allow.everyone.if.no.acl.found=false
log.dirs=$KAFKA_DATA/storage
auto.create.topics.enable=false
num.partitions=6
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
PROPERTIES

# For the healthcheck and an operator's tools: the admin's client settings.
cat > "$KAFKA_DATA/admin-client.properties" <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=$(jaas)
PROPERTIES
chmod 600 "$KAFKA_DATA/admin-client.properties" "$CONFIG"

if [ ! -f "$KAFKA_DATA/storage/meta.properties" ]; then
  "$KAFKA_HOME/bin/kafka-storage.sh" format -t "$("$KAFKA_HOME/bin/kafka-storage.sh" random-uuid)" -c "$CONFIG" \
    --add-scram "SCRAM-SHA-512=[name=admin,password=$KAFKA_ADMIN_PASSWORD]"
fi
exec "$KAFKA_HOME/bin/kafka-server-start.sh" "$CONFIG"
