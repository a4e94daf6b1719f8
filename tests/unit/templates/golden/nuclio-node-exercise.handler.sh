# Nuclio shell-runtime handler for 127.0.0.1:5000/codering/node-exercise:18.20.4-ba9876543210.
# Nuclio runs it as `sh /opt/nuclio/handler.sh` (the shebang is ignored: POSIX sh only) with the
# event body on stdin, and does NOT pass the image's ENV: the environment is set here.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LANG=C.UTF-8
export PATH LANG
CODERING_PREWARM=1
export CODERING_PREWARM
NODE_PATH=/opt/codering/lib/node/node_modules
export NODE_PATH
exec /opt/codering/bin/codering-proxy --once
