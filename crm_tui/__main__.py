import sys

from crm_tui.cli import main

sys.exit(main())
