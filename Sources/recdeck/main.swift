import RecDeckCommands

RecDeck.start()
