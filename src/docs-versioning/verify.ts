/**
 * Checks an edited conf.py with the real Python: the file must parse, and the intersphinx mapping and
 * `release` must evaluate to what the updater intended. Python evaluates only constant expressions
 * (literals, implicit concatenation, `"...".format(<constants>)`); it never executes the file.
 */
import {spawn} from 'node:child_process'

const SCRIPT = String.raw`
import ast, json, sys

text = sys.stdin.read()
try:
    tree = ast.parse(text)
except SyntaxError as e:
    print(json.dumps({"ok": False, "error": "line %s: %s" % (e.lineno, e.msg)}))
    sys.exit(0)

class Unknown(Exception):
    pass

def value(node):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Tuple):
        return [value(e) for e in node.elts]
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
            and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str)):
        args = [value(a) for a in node.args]
        kwargs = {k.arg: value(k.value) for k in node.keywords if k.arg}
        return node.func.value.value.format(*args, **kwargs)
    raise Unknown()

def url_of(node):
    try:
        v = value(node)
    except Exception:
        return None
    if isinstance(v, list) and v and isinstance(v[0], str):
        return v[0]
    return None

mapping = {}
release = None
has_release = False
for stmt in tree.body:
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        t = stmt.targets[0]
        if isinstance(t, ast.Name) and t.id == "intersphinx_mapping" and isinstance(stmt.value, ast.Dict):
            for k, v in zip(stmt.value.keys, stmt.value.values):
                if isinstance(k, ast.Constant) and isinstance(k.value, str):
                    mapping[k.value] = url_of(v)
        elif (isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id == "intersphinx_mapping"
              and isinstance(t.slice, ast.Constant) and isinstance(t.slice.value, str)):
            mapping[t.slice.value] = url_of(stmt.value)
        elif isinstance(t, ast.Name) and t.id == "release":
            has_release = True
            try:
                release = value(stmt.value)
            except Exception:
                release = None
    elif (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Attribute)
          and stmt.value.func.attr == "update" and isinstance(stmt.value.func.value, ast.Name)
          and stmt.value.func.value.id == "intersphinx_mapping" and stmt.value.args
          and isinstance(stmt.value.args[0], ast.Dict)):
        d = stmt.value.args[0]
        for k, v in zip(d.keys, d.values):
            if isinstance(k, ast.Constant) and isinstance(k.value, str):
                mapping[k.value] = url_of(v)

print(json.dumps({"ok": True, "mapping": mapping, "release": release, "hasRelease": has_release}))
`

export interface PythonCheck {
  /** false when python3 is not installed (the check was skipped). */
  ran: boolean
  ok: boolean
  problems: string[]
  note?: string
}

interface PythonOutput {
  ok: boolean
  error?: string
  mapping?: Record<string, string | null>
  release?: unknown
}

function runPython(python: string, input: string): Promise<{code: number; stdout: string; stderr: string} | 'missing'> {
  return new Promise((resolve) => {
    const child = spawn(python, ['-c', SCRIPT], {stdio: 'pipe'})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', (err: NodeJS.ErrnoException) =>
      resolve(err.code === 'ENOENT' ? 'missing' : {code: 1, stdout, stderr}),
    )
    child.on('close', (code) => resolve({code: code ?? 1, stdout, stderr}))
    child.stdin.end(input)
  })
}

const resolved = new Map<string, Promise<string>>()

/**
 * The interpreter behind `python` (version-manager shims such as pyenv's cost a shell per call, so
 * the real executable is looked up once per process).
 */
function interpreter(python: string): Promise<string> {
  if (!resolved.has(python)) {
    resolved.set(
      python,
      new Promise((resolve) => {
        const child = spawn(python, ['-c', 'import sys; print(sys.executable)'], {stdio: ['ignore', 'pipe', 'ignore']})
        let out = ''
        child.stdout.on('data', (d: Buffer) => (out += d.toString()))
        child.on('error', () => resolve(python))
        child.on('close', (code) => resolve(code === 0 && out.trim() ? out.trim() : python))
      }),
    )
  }
  return resolved.get(python)!
}

/** Runs python3 on `text` and compares what it evaluates with the intended mapping and release. */
export async function verifyWithPython(
  text: string,
  expected: {mapping: Record<string, string>; release?: string},
  python = process.env.FLYTECTL_PYTHON || 'python3',
): Promise<PythonCheck> {
  const run = await runPython(await interpreter(python), text)
  if (run === 'missing') {
    return {
      ran: false,
      ok: true,
      problems: [],
      note: `${python} not found; the edited conf.py was not checked with Python`,
    }
  }
  let out: PythonOutput
  try {
    out = JSON.parse(run.stdout) as PythonOutput
  } catch {
    return {ran: true, ok: false, problems: [`python3 failed: ${run.stderr.trim() || `exit ${run.code}`}`]}
  }
  if (!out.ok) return {ran: true, ok: false, problems: [`the edited conf.py does not parse: ${out.error}`]}
  const problems: string[] = []
  for (const [key, url] of Object.entries(expected.mapping)) {
    const got = out.mapping?.[key]
    if (got !== url)
      problems.push(`intersphinx_mapping["${key}"] evaluates to ${JSON.stringify(got)}, expected "${url}"`)
  }
  if (expected.release !== undefined && out.release !== expected.release) {
    problems.push(`release evaluates to ${JSON.stringify(out.release)}, expected "${expected.release}"`)
  }
  return {ran: true, ok: problems.length === 0, problems}
}
