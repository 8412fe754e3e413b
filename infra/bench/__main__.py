import sys

from infra.bench.run import main

sys.exit(main())
