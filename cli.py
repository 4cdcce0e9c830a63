"""Run the command line from a checkout: `python cli.py solve` is `outreach-opt solve`."""

from outreach_opt.cli.main import main

if __name__ == "__main__":
    main()
