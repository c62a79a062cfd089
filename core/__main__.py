from core.privacy import keep_local

keep_local()  # before anything loads a library that could phone home

import sys  # noqa: E402

from core.cli import main  # noqa: E402

sys.exit(main())
