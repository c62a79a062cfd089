from core.privacy import keep_local

keep_local()  # before anything loads a library that could phone home

import sys

if __name__ == "__main__":  # not when a worker process (core.ingest.readahead) imports this module again
    try:
        from core.cli import main
    except KeyboardInterrupt:  # Ctrl-C while starting up
        print("Stopped.", file=sys.stderr)
        sys.exit(1)
    sys.exit(main())
