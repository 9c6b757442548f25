import RecDeckCommands
RecDeck.start()
