"""`python -m sentinel_deploy`: the same as the `sentinel-deploy` console script."""

from sentinel_deploy.cli.app import main

main()
