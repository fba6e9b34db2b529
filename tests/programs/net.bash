# Sourced by the program tests (lib.sh), the package test and the benchmarks that run
# servers on loopback: a free port, waiting for a listener, and the nginx configuration lines
# every test server shares.

# free_port: a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_port PORT: up to 10 s for something to listen on 127.0.0.1:PORT.
wait_port() {
    local _
    for _ in $(seq 100); do
        python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$1)))" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# nginx_scratch_http DIR: the http-block lines that keep an unprivileged test nginx's
# temporary files under DIR/tmp (nginx otherwise uses /var/lib/nginx) and serve text.
nginx_scratch_http() {
    local t=$1/tmp
    printf '    client_body_temp_path %s/body;\n    proxy_temp_path %s/proxy;\n' "$t" "$t"
    printf '    fastcgi_temp_path %s/fastcgi;\n    uwsgi_temp_path %s/uwsgi;\n' "$t" "$t"
    printf '    scgi_temp_path %s/scgi;\n    default_type text/plain;\n' "$t"
}
