import sys

from reviewctl.cli.app import main

sys.exit(main())

