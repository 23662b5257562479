from cheeseshop_upload.cli import main

raise SystemExit(main())
