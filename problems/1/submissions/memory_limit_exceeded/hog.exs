defmodule Hog do
  def hog(keep), do: hog([Enum.to_list(1..1_000_000) | keep])
end

Hog.hog([])
