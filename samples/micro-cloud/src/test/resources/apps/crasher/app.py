import sys
print("starting up", flush=True)
print("cannot find configuration file /etc/crasher.conf", file=sys.stderr, flush=True)
sys.exit(3)
