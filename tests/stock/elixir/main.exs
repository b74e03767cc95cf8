# An Elixir script reading all of stdin: IO.read(:stdio, :eof) (Elixir's IO docs), String.split and
# String.to_integer.
[a, b] = IO.read(:stdio, :eof) |> String.split() |> Enum.map(&String.to_integer/1)
IO.puts(a + b)
