# Sourced by scripts/chaos.sh: devops-agent as a background process the harness can watch and hurt, and the
# four faults. Needs AGENT_DLL, WORK, CONFIG, HISTORY (set by chaos.sh).

# SIGINT must reach the agent: bash starts background jobs with SIGINT ignored, and .NET keeps an ignored
# SIGINT ignored, so the agent is exec'd through a reset to the default disposition (same pid).
SIGINT_RESET='import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])'

AGENT_PID=
AGENT_LOG=
AGENT_RC=

# Usage: agent_start <log> <args...>   (--config, --history and --verbose added: --verbose prints step starts)
agent_start() {
  AGENT_LOG=$1; shift
  NO_COLOR=1 python3 -c "$SIGINT_RESET" dotnet "$AGENT_DLL" "$@" --config "$CONFIG" --history "$HISTORY" --verbose \
    >"$AGENT_LOG" 2>&1 </dev/null &
  AGENT_PID=$!
}

agent_alive() {
  local state
  [ -r "/proc/$AGENT_PID/stat" ] || return 1
  read -r _ _ state _ <"/proc/$AGENT_PID/stat" || return 1
  [ "$state" != Z ]
}

# Waits for the agent to end, at most <seconds>, then kills it; AGENT_RC is its exit code (or "timeout").
agent_wait() {
  local deadline=$((SECONDS + $1))
  while agent_alive; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      kill -9 "$AGENT_PID" 2>/dev/null || true
      wait "$AGENT_PID" 2>/dev/null || true
      AGENT_RC=timeout
      return
    fi
    sleep 0.2
  done
  AGENT_RC=0
  wait "$AGENT_PID" || AGENT_RC=$?
}

# A verbose step-start line ends with "] … <step>" (ConsoleDeployObserver.StepStarted).
step_started() { awk -v s="] … $1" 'length($0) >= length(s) && substr($0, length($0) - length(s) + 1) == s { f = 1 } END { exit !f }' "$AGENT_LOG"; }

# Waits until the agent prints the start of <step>; fails when it ends first or after <seconds>.
agent_wait_step() {
  local deadline=$((SECONDS + $2))
  while agent_alive && [ "$SECONDS" -lt "$deadline" ]; do
    step_started "$1" && return 0
    sleep 0.05
  done
  step_started "$1"
}

# The chaos project's container of one service (compose v1 and v2 both label them).
container_of() {
  remote "docker ps -q --filter label=com.docker.compose.project=$PROJECT --filter label=com.docker.compose.service=$1 | head -n 1"
}

# Usage: inject <fault> [service]: hurts the running agent (or its stack) now.
inject() {
  case $1 in
    kill) kill -9 "$AGENT_PID" 2>/dev/null || true ;;
    cut) kill -USR1 "$(cat "$WORK/proxy.pid")" ;;
    sigint) kill -INT "$AGENT_PID" 2>/dev/null || true ;;
    docker-kill)
      local id
      id=$(container_of "$2")
      [ -z "$id" ] || remote "docker kill $id" >/dev/null 2>&1 || true
      ;;
  esac
}

proxy_start() {
  python3 "$ROOT/scripts/chaos/cutproxy.py" "$PROXY_PORT" "$SSH_PORT" --pid-file "$WORK/proxy.pid" &
  local i
  for i in $(seq 50); do
    [ -s "$WORK/proxy.pid" ] && return 0
    sleep 0.1
  done
  echo "chaos: the proxy did not start on port $PROXY_PORT" >&2
  return 1
}

proxy_restore() { kill -USR2 "$(cat "$WORK/proxy.pid")"; }

proxy_stop() { [ ! -s "$WORK/proxy.pid" ] || kill "$(cat "$WORK/proxy.pid")" 2>/dev/null || true; }
