program hog
  implicit none
  type chunk
    integer(kind=1), allocatable :: bytes(:)
  end type chunk
  type(chunk) :: keep(100000)
  integer :: i
  do i = 1, size(keep)
    allocate(keep(i)%bytes(16 * 1024 * 1024))
    keep(i)%bytes = 1
  end do
  print *, keep(1)%bytes(1)
end program hog
