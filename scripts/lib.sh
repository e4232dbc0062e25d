# Shared helpers for the scripts: each check is idempotent and installs only what is missing.

ensure_java_and_maven() {
  if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
    echo "ResourceGuard needs JDK 17+ and Maven 3.8+ on the PATH" >&2
    exit 1
  fi
  local v
  v=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')
  if [ "${v%%.*}" -lt 17 ]; then
    echo "ResourceGuard needs JDK 17 or newer; java is $v" >&2
    exit 1
  fi
}

# Installs a Debian package when a command is missing (needs root or sudo).
ensure_debian_package() {
  local cmd=$1 pkg=$2
  command -v "$cmd" >/dev/null && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing $pkg (for $cmd) ..."
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$pkg" >/dev/null
}
