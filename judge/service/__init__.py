"""judge serve: the online executor service (Judge0 CE and Piston v2 APIs over a persistent queue)."""
