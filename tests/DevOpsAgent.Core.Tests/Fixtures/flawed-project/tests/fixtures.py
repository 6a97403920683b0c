password = "correct-horse-battery"
