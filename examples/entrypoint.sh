#!/bin/sh
# An application container's entrypoint on an ECS node managed by ecs-node/playbooks.
#
# 1. Sources /etc/container_config/node.config (mount it read-only into the container: a volume
#    with host sourcePath /etc/container_config), which gives ENVIRONMENT, CLUSTER, REGION, AZ,
#    INSTANCE_ID and every `config:` instance tag as a variable.
# 2. Picks arguments for the environment.
# 3. Finds the host port ECS gave a container port (dynamic host ports, bridge networking) from
#    the ECS container metadata file: the classic problem of JMX/RMI, which must announce the
#    port the outside world connects to. ecs.config sets ECS_ENABLE_CONTAINER_METADATA=true, so
#    the agent writes the file and sets ECS_CONTAINER_METADATA_FILE; the port mappings appear
#    once the file says "MetadataFileStatus": "READY", shortly after the container starts.
#
# Usage in a task definition: "entryPoint": ["/entrypoint.sh"], "command": ["java", "-jar", "app.jar"].
# Variables: NODE_CONFIG (path), JMX_PORT (container port whose host port to find; unset: none),
# METADATA_WAIT (seconds to wait for the metadata file, default 30).
# POSIX sh with sed and awk only: no jq or Python needed in the image.
set -eu

log() { printf 'entrypoint: %s\n' "$*" >&2; }

NODE_CONFIG="${NODE_CONFIG:-/etc/container_config/node.config}"
if [ -r "$NODE_CONFIG" ]; then
  # Export everything it sets, so the application (exec'd below) sees it too.
  set -a
  # shellcheck disable=SC1090
  . "$NODE_CONFIG"
  set +a
else
  log "$NODE_CONFIG is not readable; is /etc/container_config mounted? Assuming development."
fi
ENVIRONMENT="${ENVIRONMENT:-development}"

# Arguments per environment, appended to the command.
case "$ENVIRONMENT" in
  production) set -- "$@" --log-level=info --max-threads=64 ;;
  staging) set -- "$@" --log-level=debug --max-threads=16 ;;
  *) set -- "$@" --log-level=debug --max-threads=4 ;;
esac

# Prints the metadata file on one line once it is READY; fails after METADATA_WAIT seconds.
ready_metadata() {
  file="${ECS_CONTAINER_METADATA_FILE:-}"
  [ -n "$file" ] || { log 'ECS_CONTAINER_METADATA_FILE is not set (ECS_ENABLE_CONTAINER_METADATA=true on the node?)'; return 1; }
  waited=0
  while :; do
    if [ -r "$file" ]; then
      flat=$(tr -d ' \t\r\n' <"$file")
      case "$flat" in *'"MetadataFileStatus":"READY"'*) printf '%s\n' "$flat"; return 0 ;; esac
    fi
    [ "$waited" -lt "${METADATA_WAIT:-30}" ] || { log "$file was not READY after ${METADATA_WAIT:-30}s"; return 1; }
    sleep 1
    waited=$((waited + 1))
  done
}

# host_port CONTAINER_PORT [PROTOCOL]: the host port mapped to a container port.
host_port() {
  ready_metadata | awk -v want="$1" -v proto="${2:-tcp}" '{
    # Keep only the PortMappings array, then look at one mapping object at a time.
    s = $0; i = index(s, "\"PortMappings\":["); if (!i) exit 1
    s = substr(s, i + 16); s = substr(s, 1, index(s, "]") - 1)
    n = split(s, maps, "},")
    for (k = 1; k <= n; k++) {
      m = maps[k]
      if (match(m, /"ContainerPort":[0-9]+/) == 0) continue
      cport = substr(m, RSTART + 16, RLENGTH - 16)
      if (cport != want) continue
      if (match(m, /"Protocol":"[a-z]+"/) && substr(m, RSTART + 12, RLENGTH - 13) != proto) continue
      if (match(m, /"HostPort":[0-9]+/)) { print substr(m, RSTART + 11, RLENGTH - 11); found = 1; exit }
    }
    exit 1
  }
  END { if (!found) exit 1 }'
}

# host_ip: the node's private IPv4 address, for announcing.
host_ip() {
  ready_metadata | sed -n 's/.*"HostPrivateIPv4Address":"\([0-9.]*\)".*/\1/p'
}

# HOST_IP (and JMX_HOST_PORT below), so the app can
# announce where it is reachable (metrics labels, a service registry, a JMX console's target).
if [ -n "${ECS_CONTAINER_METADATA_FILE:-}" ]; then
  HOST_IP=$(host_ip) || HOST_IP=''
  export HOST_IP
fi
if [ -n "${JMX_PORT:-}" ]; then
  JMX_HOST_PORT=$(host_port "$JMX_PORT") || { log "no host port is mapped to container port $JMX_PORT"; exit 1; }
  export JMX_HOST_PORT
  log "JMX: container port $JMX_PORT is reachable at ${HOST_IP:-?}:$JMX_HOST_PORT"
  # RMI hands clients a stub naming a host and port to call back. The host must be the node's
  # address; the port must be one the client can reach *and* the JVM listens on, and with a
  # dynamic mapping the two differ, so plain RMI cannot work through it. JMXMP or HTTP (Jolokia,
  # the Prometheus JMX exporter) have no callback and work: point them at HOST_IP:JMX_HOST_PORT.
  JAVA_TOOL_OPTIONS="${JAVA_TOOL_OPTIONS:+$JAVA_TOOL_OPTIONS }-Djava.rmi.server.hostname=${HOST_IP:-} -Djmx.host.port=$JMX_HOST_PORT"
  export JAVA_TOOL_OPTIONS
fi

export ENVIRONMENT
[ "$#" -gt 0 ] || { log 'no command given'; exit 64; }
exec "$@"
