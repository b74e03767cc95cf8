# Prints nothing and exits.
