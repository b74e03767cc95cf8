! Free-form Fortran with 64-bit kinds from iso_fortran_env, a recursive function 10^5 deep and an early stop.
program sum
  use, intrinsic :: iso_fortran_env, only: int64
  implicit none
  integer(int64) :: a, b
  read (*, *) a, b
  if (depth(100000) /= 100000) error stop 'depth'
  print '(i0)', a + b
  stop
contains
  recursive function depth(n) result(d)
    integer, intent(in) :: n
    integer :: d
    if (n == 0) then
      d = 0
    else
      d = 1 + depth(n - 1)
    end if
  end function depth
end program sum
