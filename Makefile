# The two commands a new user needs (see README.md).
.PHONY: run test
run:
	bash scripts/run.sh
test:
	bash scripts/test.sh
