"""Streamed runs from a hearth-server that serves a local model, read through the official openai
Python SDK: what a program written against the hosted API sees. Started by the local-bench example,
which compares it with a bare llama.cpp loop.

    python bench/local_model_sdk.py BASE_URL TOKEN MODEL SYSTEM PROMPT MAX_TOKENS ROUNDS

Prints one line per measured run, after one warm-up run that loads the model:
`sample <ns to the first text> <completion tokens> <ns from the first text to the last>`.
"""

import sys
import time

from openai import OpenAI


def main() -> None:
    base_url, token, model, system, prompt, max_tokens, rounds = sys.argv[1:8]
    client = OpenAI(base_url=base_url, api_key=token, max_retries=0)
    assistant = client.beta.assistants.create(model=model, instructions=system)
    for round_number in range(int(rounds) + 1):
        thread = client.beta.threads.create(messages=[{"role": "user", "content": prompt}])
        started = time.perf_counter_ns()
        first = last = None
        tokens = 0
        stream = client.beta.threads.runs.create(
            thread_id=thread.id,
            assistant_id=assistant.id,
            temperature=0,
            max_completion_tokens=int(max_tokens),
            stream=True,
        )
        for event in stream:
            if event.event == "thread.message.delta":
                now = time.perf_counter_ns()
                first = first or now
                last = now
            elif event.event in ("thread.run.completed", "thread.run.incomplete"):
                tokens = event.data.usage.completion_tokens
            elif event.event == "thread.run.failed":
                sys.exit(f"the run failed: {event.data.last_error}")
        if first is None:
            sys.exit("the run produced no text")
        if round_number > 0:
            print(f"sample {first - started} {tokens} {last - first}", flush=True)


if __name__ == "__main__":
    main()
