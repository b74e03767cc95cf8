"""Compile a JVM submission and find its main class; runs inside the runner image (standard library only).

    compile-jvm.py --out DIR --main-file FILE [--entrypoint NAME] -- COMPILER ARGS... SOURCES...

Every source compiles together into DIR. The class to run is the one with ``public static void main(String[])``
(found in the class files, whatever the source file is called and whether or not the class is public), or the
``--entrypoint`` class (submissions.yaml ``entrypoint``); its fully qualified name is written to FILE, an
argument file for ``java @FILE``. No such class, or several without an entry point, is a compile error that
says so. DOMjudge does the same (sql/files/defaultdata/java_javac_detect/run with DetectMain.java, kt/run);
problemtools instead takes the class named like the main file (problemtools/run/source.py, {mainclass}).

A public top-level class must live in a file of its name (JLS 7.6): such files are compiled from a copy under
that name, found beforehand by a look at the source and, failing that, from javac's own complaint (as
DOMjudge's java_javac_detect renames the source). One copy serves the java, kotlin and scala runners: their
runner.yaml lists it in ``shared_files``, which puts it in each image's build context.
"""

import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

PUBLIC_TYPE = re.compile(
    rb"^[ \t]*public\s+(?:(?:final|abstract|sealed|non-sealed|strictfp)\s+)*(?:class|interface|enum|record)\s+"
    rb"([A-Za-z_$][A-Za-z0-9_$]*)",
    re.MULTILINE,
)
JAVAC_WRONG_FILE = re.compile(r"^(\S+\.java):\d+: error: class (\S+) is public, should be declared in a file named")
ACC_PUBLIC, ACC_STATIC = 0x0001, 0x0008
MAIN_DESCRIPTOR = "([Ljava/lang/String;)V"
SAFE_ENTRY = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*([./][A-Za-z_$][A-Za-z0-9_$]*)*$")


def renamed_copy(source, type_name, scratch):
    """A copy of ``source`` named ``<type_name>.java`` in a folder of its own."""
    folder = tempfile.mkdtemp(dir=scratch)
    target = os.path.join(folder, type_name + ".java")
    shutil.copyfile(source, target)
    return target


def named_after_public_types(sources, scratch):
    """Sources whose public top-level type is named differently are replaced by a copy of that name."""
    result = []
    for source in sources:
        if source.endswith(".java"):
            with open(source, "rb") as f:
                found = PUBLIC_TYPE.search(f.read())
            name = found.group(1).decode() if found else None
            if name and os.path.basename(source) != name + ".java":
                source = renamed_copy(source, name, scratch)
        result.append(source)
    return result


def compile_all(command, sources, scratch):
    """Run the compiler; once more with renamed copies if javac asks for other file names."""
    done = subprocess.run([*command, *sources], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = done.stdout.decode("utf-8", "replace")
    if done.returncode == 0:
        return True, output
    wrong = {}
    for line in output.splitlines():
        found = JAVAC_WRONG_FILE.match(line)
        if found:
            wrong[found.group(1)] = found.group(2)
    if not wrong:
        return False, output
    sources = [renamed_copy(s, wrong[s], scratch) if s in wrong else s for s in sources]
    done = subprocess.run([*command, *sources], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return done.returncode == 0, done.stdout.decode("utf-8", "replace")


def has_main(path):
    """Whether the class file declares ``public static void main(String[])`` (JVMS 4.1, 4.4, 4.6)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\xca\xfe\xba\xbe":
        return False
    count = struct.unpack_from(">H", data, 8)[0]
    strings, pos, index = {}, 10, 1
    while index < count:
        tag = data[pos]
        if tag == 1:  # Utf8
            length = struct.unpack_from(">H", data, pos + 1)[0]
            strings[index] = data[pos + 3 : pos + 3 + length].decode("utf-8", "replace")
            pos += 3 + length
        elif tag in (7, 8, 16, 19, 20):  # Class, String, MethodType, Module, Package
            pos += 3
        elif tag == 15:  # MethodHandle
            pos += 4
        elif tag in (3, 4, 9, 10, 11, 12, 17, 18):  # Integer, Float, refs, NameAndType, (Invoke)Dynamic
            pos += 5
        elif tag in (5, 6):  # Long, Double take two entries
            pos += 9
            index += 1
        else:
            return False
        index += 1
    pos += 6  # access flags, this class, super class
    interfaces = struct.unpack_from(">H", data, pos)[0]
    pos += 2 + 2 * interfaces

    def members(pos):
        found = []
        (n,) = struct.unpack_from(">H", data, pos)
        pos += 2
        for _ in range(n):
            flags, name, descriptor, attributes = struct.unpack_from(">HHHH", data, pos)
            pos += 8
            for _ in range(attributes):
                pos += 6 + struct.unpack_from(">I", data, pos + 2)[0]
            found.append((flags, strings.get(name), strings.get(descriptor)))
        return found, pos

    _, pos = members(pos)  # fields
    methods, _ = members(pos)
    return any(
        name == "main" and descriptor == MAIN_DESCRIPTOR and flags & ACC_PUBLIC and flags & ACC_STATIC
        for flags, name, descriptor in methods
    )


def classes_in(folder):
    """Fully qualified name -> class file, for every class compiled into ``folder``."""
    found = {}
    for root, _, files in os.walk(folder):
        for name in files:
            if name.endswith(".class"):
                path = os.path.join(root, name)
                found[os.path.relpath(path, folder)[: -len(".class")].replace(os.sep, ".")] = path
    return found


def main_class(classes, entrypoint):
    """(class name, None) or (None, why it is a compile error)."""
    if entrypoint:
        wanted = entrypoint[: -len(".java")] if entrypoint.endswith(".java") else entrypoint
        wanted = wanted.replace("/", ".")
        if wanted not in classes:
            return None, f"the entry point {entrypoint!r} is not a class of the submission"
        if not has_main(classes[wanted]):
            return None, f"the entry point {wanted} has no public static void main(String[] args)"
        return wanted, None
    candidates = sorted(name for name, path in classes.items() if has_main(path))
    if not candidates:
        return None, "no class has a public static void main(String[] args) method"
    if len(candidates) > 1:
        return None, (
            f"{len(candidates)} classes have a main method ({', '.join(candidates)}): keep one, "
            "or name the entry point (submissions.yaml entrypoint)"
        )
    return candidates[0], None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--main-file", required=True)
    parser.add_argument("--entrypoint", default="")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if args.entrypoint and not SAFE_ENTRY.match(args.entrypoint.removesuffix(".java")):
        print(f"[judge] the entry point {args.entrypoint!r} is not a class name")
        return 1
    split = len(command)
    while split > 0 and command[split - 1].endswith((".java", ".kt")):  # the sources come last
        split -= 1
    compiler, sources = command[:split], command[split:]
    os.makedirs(args.out, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="judge-jvm-")
    ok, output = compile_all(compiler, named_after_public_types(sources, scratch), scratch)
    sys.stdout.write(output)
    if not ok:
        return 1
    name, why = main_class(classes_in(args.out), args.entrypoint)
    if why:
        print(f"[judge] {why}")
        return 1
    with open(args.main_file, "w") as f:
        f.write(name + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
