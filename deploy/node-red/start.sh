#!/bin/sh
# Entry point of the compose `nodered` service. On the first start (no flows.json in Node-RED's
# userDir yet) it installs the example flow with its broker pointed at the compose Mosquitto; later
# starts keep what the user deployed. Then it hands over to the image's own entrypoint ("$@").
set -eu
src="${R2M_EXAMPLE_FLOW:-/examples/raritan2mqtt-flow.json}"
dst="${R2M_FLOWS_FILE:-/data/flows.json}"
host="${R2M_BROKER_HOST:-mosquitto}"
if [ ! -f "$dst" ] && [ -f "$src" ]; then
  sed "s/\"broker\": \"localhost\"/\"broker\": \"$host\"/" "$src" > "$dst.tmp"
  mv "$dst.tmp" "$dst"
  echo "raritan2mqtt: installed the example flow in $dst (broker $host:1883)"
fi
exec "$@"
