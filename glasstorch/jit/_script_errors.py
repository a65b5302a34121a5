"""What the TorchScript interpreter raises when scripted code raises: ``assert cond, msg`` and
``raise SomeError(msg)`` in a scripted module (``torch._assert`` included) surface as
``torch.jit.Error``, whose message is the TorchScript traceback of the failing statement:

    The following operation failed in the TorchScript interpreter.
    Traceback of TorchScript (most recent call last):
      File "<file>", line <n>, in <function>
    <up to two lines of the function before, the line, a ~~~ mark under the statement>
    RuntimeError: AssertionError: <msg>          (an assert)
    builtins.ValueError: <msg>                   (a raise)

glasstorch runs the Python code itself (``_script.py``'s ``_run``), so the exception is caught at
the outermost scripted call and rebuilt there.  An error raised inside an op (glasstorch's own
frames) becomes a RuntimeError with the same traceback, the op's message last (``RuntimeError: <msg>``),
the expression marked being the one Python's traceback positions name."""
import ast
import linecache
import os

_HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep

# torch._assert is TorchScript builtin code compiled from a string: torch prints that source
_ASSERT_FRAME = ('  File "<string>", line 8, in forward\n'
                 '  return out_size\n'
                 'def _assert(condition : bool, message : str):\n'
                 '  assert condition, message\n'
                 '  ~~~~~~~~~~~~~~~~~~~~~~~~~ <--- HERE\n'
                 '# existing device operator is registered with input name `a`, which prevents\n'
                 '# torch.device(type="cuda") from working. add shim-layer here\n')


def _user_frame(tb):
    """The innermost traceback entry outside glasstorch (the scripted code's line), whether the
    exception came from deeper inside glasstorch (an op's error), and whether that was
    ``torch._assert`` itself."""
    user, inner = None, None
    while tb is not None:
        name = os.path.abspath(tb.tb_frame.f_code.co_filename)
        if not name.startswith(_HERE):
            user = tb
        inner = tb
        tb = tb.tb_next
    if inner is None or user is None:
        return None, False, False
    is_assert = inner.tb_frame.f_code.co_name == "_assert" and \
        inner.tb_frame.f_code.co_filename.endswith(os.sep + "_api_sk.py")
    return user, inner is not user and not is_assert, is_assert


def _statement(tree, lineno):
    """The innermost statement starting on ``lineno`` and the function holding it."""
    best, func = None, None
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                node.lineno <= lineno <= (node.end_lineno or node.lineno):
            if func is None or node.lineno >= func.lineno:
                func = node
        if isinstance(node, ast.stmt) and node.lineno == lineno and \
                not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if best is None or node.col_offset >= best.col_offset:
                best = node
    return best, func


def _ts_end(node):
    """Where TorchScript's source range of ``node`` ends (its column, exclusive): a call's at the end of
    its last argument and a string literal's before its closing quote, as its parser records them."""
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Attribute):     # a method: TorchScript's op sits at ``x.view``
            return node.func.end_col_offset
        last = (list(node.args) + [k.value for k in node.keywords])
        return _ts_end(last[-1]) if last else node.end_col_offset
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.end_col_offset - 1
    if isinstance(node, ast.BinOp):
        return _ts_end(node.right)
    if isinstance(node, (ast.BoolOp, ast.Compare)):
        return _ts_end((node.values if isinstance(node, ast.BoolOp) else node.comparators)[-1])
    if isinstance(node, ast.Assert):
        return _ts_end(node.msg if node.msg is not None else node.test)
    if isinstance(node, ast.Raise) and node.exc is not None:
        return _ts_end(node.exc)
    return node.end_col_offset


def _failed_node(stmt, entry):
    """The expression of ``stmt`` whose bytecode raised (Python's own traceback positions)."""
    code = entry.tb_frame.f_code
    try:
        pos = list(code.co_positions())[entry.tb_lasti // 2]
    except (AttributeError, IndexError, ValueError):
        return stmt
    for node in ast.walk(stmt):
        if (getattr(node, "lineno", None), getattr(node, "end_lineno", None), getattr(node, "col_offset", None),
                getattr(node, "end_col_offset", None)) == tuple(pos):
            return node
    return stmt


def _frame_text(entry, in_op=False):
    code = entry.tb_frame.f_code
    filename, lineno = code.co_filename, entry.tb_lineno
    lines = linecache.getlines(filename)
    head = f'  File "{filename}", line {lineno}, in {code.co_name}\n'
    try:
        tree = ast.parse("".join(lines))
    except (SyntaxError, ValueError):
        return head
    stmt, func = _statement(tree, lineno)
    if stmt is None or func is None:
        return head
    start = max(func.lineno, lineno - 2)
    end = min(func.end_lineno or lineno, lineno + 2)
    text = [head]
    for n in range(start, lineno + 1):
        text.append(lines[n - 1].rstrip("\n") + "\n")
    node = _failed_node(stmt, entry) if in_op else stmt
    width = (_ts_end(node) - node.col_offset) if node.end_lineno == lineno else \
        len(lines[lineno - 1].rstrip("\n")) - node.col_offset
    text.append(" " * node.col_offset + "~" * width + " <--- HERE\n")
    for n in range(lineno + 1, end + 1):
        text.append(lines[n - 1].rstrip("\n") + "\n")
    return "".join(text)


def interpreter_error(exc):
    """What torch raises for ``exc`` raised inside scripted code: ``torch.jit.Error`` for the code's
    own ``assert`` / ``raise``, a RuntimeError for an op's error (whatever type eager raises, as the
    interpreter reports every C++ error), each with the TorchScript traceback; None for anything else."""
    from . import Error
    if isinstance(exc, Error) or not isinstance(exc, Exception):
        return None
    entry, in_op, is_assert = _user_frame(exc.__traceback__)
    if entry is None:
        return None
    head = "The following operation failed in the TorchScript interpreter.\n" \
           "Traceback of TorchScript (most recent call last):\n"
    if in_op:
        msg = exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], str) else str(exc)
        return RuntimeError(head + _frame_text(entry, True) + f"RuntimeError: {msg}\n")
    if isinstance(exc, AssertionError):
        tail = f"RuntimeError: AssertionError: {exc}"
    else:
        cls = type(exc)
        tail = f"{cls.__module__}.{cls.__qualname__}: {exc}"
    frame = _ASSERT_FRAME if is_assert else _frame_text(entry)
    return Error(head + frame + tail + "\n")
