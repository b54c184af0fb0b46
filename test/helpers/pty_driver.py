"""Run a command on a pseudo-terminal and answer its prompts.

argv: deadline_seconds command [args...]; stdin: JSON list of [expect, answer]
pairs. For each pair, wait until `expect` appears in the output, then type
`answer`. Prints {"status": N, "output": "..."} as JSON. Every wait is bounded
so a prompt that never comes fails the test instead of hanging it.
"""
import json, os, pty, select, signal, sys, time

deadline = time.monotonic() + float(sys.argv[1])
script = json.load(sys.stdin)
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])

output = b''
def read_some(timeout):
    global output
    r, _, _ = select.select([fd], [], [], max(0.0, timeout))
    if not r:
        return True
    try:
        data = os.read(fd, 4096)
    except OSError:
        return False
    if not data:
        return False
    output += data
    return True

error = None
seen = 0
for expect, answer in script:
    while expect.encode() not in output[seen:]:
        if time.monotonic() > deadline or not read_some(deadline - time.monotonic()):
            error = 'timed out or ended waiting for %r' % expect
            break
    if error:
        break
    seen = output.index(expect.encode(), seen) + len(expect)
    time.sleep(0.05)
    os.write(fd, answer.encode())

# Read until the child closes the terminal, then collect its status.
while time.monotonic() < deadline and read_some(deadline - time.monotonic()):
    pass
done, st = os.waitpid(pid, os.WNOHANG)
if done == 0:
    if time.monotonic() >= deadline:
        os.kill(pid, signal.SIGKILL)
        error = error or 'killed at the deadline'
    done, st = os.waitpid(pid, 0)
print(json.dumps({'status': os.waitstatus_to_exitcode(st), 'output': output.decode('utf8', 'replace'), 'error': error}))
