# Sourced by the load scripts (load.sh, soak.sh, uncached.sh): what each of them needs to
# drive the release binary.

# Installs wrk from Debian's packages when it is missing.
bench_ensure_wrk() {
  if ! command -v wrk >/dev/null 2>&1; then
    local sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq wrk >/dev/null
  fi
}

# A free TCP port on loopback.
bench_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits until the server at $1 answers /readyz (its search index can serve); on failure
# prints its log ($2) and exits.
bench_wait_ready() {
  local addr="$1" log="$2"
  for _ in $(seq 600); do
    curl -fs "http://$addr/readyz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "the server did not become ready (log: $log)" >&2
  cat "$log" >&2
  exit 1
}

# Signs a demo account ($2) in at the server at $1; prints its session cookie.
bench_sign_in() {
  curl -s -o /dev/null -D - -X POST -H "Origin: http://$1" \
    --data-urlencode "account=$2" --data-urlencode "password=shanqiao-demo" --data-urlencode "next=/" \
    "http://$1/signin" | tr -d '\r' | sed -n 's/^set-cookie: \(shanqiao_session=[^;]*\).*/\1/Ip' | head -1
}

# The words the load scripts search the library with (uncached: each a different page).
BENCH_WORDS="医疗 轮椅 助学 学费 康复 取暖 老人 儿童 残疾 低保 特困 住院 手术 助听器 护理 冬衣 营养 眼镜 药费 租房"

# $1 percent-encoded for a query string.
bench_quote() {
  python3 -c "import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1]))" "$1"
}
