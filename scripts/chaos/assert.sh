# Sourced by scripts/chaos.sh: what the harness checks on the server after each recovery, independently of
# what the agent says about itself, and the rows it writes through the API meanwhile.

# The VERSION file and the newest alembic revision of a commit, straight from the origin.
version_of() { git --git-dir="$ORIGIN" show "$1:VERSION" 2>/dev/null | tr -d '[:space:]'; }
revision_of() { git --git-dir="$ORIGIN" ls-tree --name-only "$1:backend/alembic/versions" | grep -E '^[0-9]+_' | sort | tail -n 1 | cut -d_ -f1; }
# The frontend has no VERSION: a string only v1.1.0 and later put in the UI stands for its release.
FRONTEND_MARKER='Description (optional)'
frontend_marker_of() { git --git-dir="$ORIGIN" show "$1:frontend/src/App.vue" 2>/dev/null | grep -qF "$FRONTEND_MARKER" && echo 1 || echo 0; }

served_version() { curl -fsS -m 5 "http://127.0.0.1:$HTTP_PORT/api/version" 2>/dev/null | json_field version; }
json_field() { python3 -c 'import json, sys
try: print(json.load(sys.stdin).get(sys.argv[1]) or "")
except Exception: print("")' "$1"; }
server_release() { remote "cat $APP/.devops-agent/release.json 2>/dev/null" | json_field "$1"; }

sql() {
  remote "id=\$(docker ps -q --filter label=com.docker.compose.project=$PROJECT --filter label=com.docker.compose.service=db | head -n 1);
    [ -n \"\$id\" ] && docker exec \$id psql -U shop -d shop -tAc \"$1\"" 2>/dev/null | tr -d '[:space:]'
}

# Image id -> what it contains, so that an image is run once per harness run, not once per fault.
declare -A IMAGE_CONTENT=()
image_content() { # <repository:tag> <id> <backend|frontend>
  if [ -z "${IMAGE_CONTENT[$2]:-}" ]; then
    if [ "$3" = backend ]; then
      IMAGE_CONTENT[$2]=$(remote </dev/null "docker run --rm --network none --entrypoint cat $1 /VERSION" 2>/dev/null | tr -d '[:space:]')
    else
      IMAGE_CONTENT[$2]=$(remote </dev/null "docker run --rm --network none --entrypoint sh $1 -c 'grep -rqF \"$FRONTEND_MARKER\" /usr/share/nginx/html && echo 1 || echo 0'" 2>/dev/null | tr -d '[:space:]')
    fi
  fi
  echo "${IMAGE_CONTENT[$2]}"
}

# Every release-<commit> tag of the project's images holds that commit's code; the serving release is kept.
# Prints "ok" or what is wrong.
check_images() { # <serving commit>
  local problems=() repo tag id service short full want have kept_backend= tags
  # Read first: the ssh calls in the loop would eat the rest of a piped list.
  tags=$(remote "docker images --format '{{.Repository}} {{.Tag}} {{.ID}}'" | awk -v p="$PROJECT" '$1 ~ "^" p "[-_](backend|frontend)$" && $2 ~ /^release-/')
  while read -r repo tag id; do
    [ -n "$repo" ] || continue
    service=${repo#"$PROJECT"[_-]}
    short=${tag#release-}
    full=$(git --git-dir="$ORIGIN" rev-parse -q --verify "$short^{commit}" 2>/dev/null || true)
    if [ -z "$full" ]; then problems+=("$repo:$tag names no commit"); continue; fi
    if [ "$service" = backend ]; then want=$(version_of "$full"); else want=$(frontend_marker_of "$full"); fi
    have=$(image_content "$repo:$tag" "$id" "$service")
    [ "$have" = "$want" ] || problems+=("$service:$tag holds $(describe "$service" "$have") not $(describe "$service" "$want")")
    [ "$service" != backend ] || [ "${1:0:12}" != "$short" ] || kept_backend=1
  done <<<"$tags"
  [ -n "$1" ] && [ -z "$kept_backend" ] && problems+=("no kept backend image for the serving release ${1:0:12}")
  if [ ${#problems[@]} -eq 0 ]; then echo ok; else local IFS=';'; echo "${problems[*]}"; fi
}
describe() { if [ "$1" = backend ]; then echo "${2:-nothing}"; elif [ "$2" = 1 ]; then echo "the v1.1+ UI"; elif [ "$2" = 0 ]; then echo "the v1.0 UI"; else echo nothing; fi; }

# Rows through the API, in the background while operations run; each 2xx with an id counts as kept.
inserter_start() {
  (
    n=0
    while :; do
      n=$((n + 1))
      body=$(curl -fsS -m 3 -X POST -H 'Content-Type: application/json' \
        --data "{\"name\": \"chaos-$BASHPID-$n\"}" "http://127.0.0.1:$HTTP_PORT/api/items" 2>/dev/null) \
        && case $body in *'"id"'*) echo "chaos-$BASHPID-$n" >>"$WORK/inserted" ;; esac
      sleep 0.5
    done
  ) &
  INSERTER_PID=$!
}
inserter_stop() { [ -z "${INSERTER_PID:-}" ] || { kill "$INSERTER_PID" 2>/dev/null; wait "$INSERTER_PID" 2>/dev/null; INSERTER_PID=; } || true; }
inserted() { [ -f "$WORK/inserted" ] && wc -l <"$WORK/inserted" || echo 0; }
