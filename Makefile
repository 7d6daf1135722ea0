# The commands a new user needs (see README.md).
.PHONY: run stop reset-demo test
run:
	bash scripts/run.sh
stop:
	bash scripts/stop.sh
reset-demo:
	bash scripts/reset_demo.sh
test:
	bash scripts/test.sh
