# A module in a .ex file (the spec's Elixir extension), IO.stream over the lines, and a body recursion 10^6 deep
# (BEAM process stacks grow on the heap).
defmodule Sum do
  def depth(0), do: 0
  def depth(n), do: 1 + depth(n - 1)

  def main do
    numbers = IO.stream(:stdio, :line) |> Enum.flat_map(&String.split/1) |> Enum.map(&String.to_integer/1)
    1_000_000 = depth(1_000_000)
    IO.puts(Enum.sum(numbers))
  end
end

Sum.main()
