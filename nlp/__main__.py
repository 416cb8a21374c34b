from nlp.cli import entry

entry()
