.PHONY: run test lint bench
run:   ## set up and run the bot (local chat without TELEGRAM_BOT_TOKEN)
	scripts/run
test:  ## set up and run the whole test suite
	scripts/test
lint:
	.venv/bin/ruff check .
bench:
	.venv/bin/python -m bench.run_all
