import RecDeckCommands
RecDeck.main()
