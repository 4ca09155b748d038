# Sourced by the scripts that put Deploy/nginx-luoshi.conf in front of `luoshi serve` (proxy-check.sh,
# bench-province-http.sh). start_nginx DIR PORT UPSTREAM... [-- SED-EXPRESSION...]: writes the deployment's
# configuration into DIR, listening on 127.0.0.1:PORT with UPSTREAM (host:port, one or more) as its
# upstream servers and any further sed expressions applied, and starts nginx in the background with
# everything it writes kept in DIR. Sets NGINX_PID.
start_nginx() {
    local dir=$1 port=$2
    shift 2
    local servers="" extra=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do
        servers="$servers server $1;"
        shift
    done
    [ "${1:-}" = "--" ] && shift
    for expression in "$@"; do extra+=(-e "$expression"); done
    sed -e "s/listen 80;/listen 127.0.0.1:$port;/" -e "s/server 127.0.0.1:8080;/${servers# }/" "${extra[@]}" \
        Deploy/nginx-luoshi.conf >"$dir/luoshi.conf"
    cat >"$dir/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;
events { worker_connections 512; }
http {
    access_log off;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    include $dir/luoshi.conf;
}
CONF
    nginx -p "$dir" -c "$dir/nginx.conf" &
    NGINX_PID=$!
}
