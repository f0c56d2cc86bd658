from vaulttools.cli import main

main()
