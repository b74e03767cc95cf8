from pathlib import Path

if not Path("data.txt").exists():
    print("none")
else:
    numbers = Path("data.txt").read_text().split()
    if Path("sub/more.txt").exists():
        numbers += Path("sub/more.txt").read_text().split()
    print(sum(int(x) for x in numbers))
