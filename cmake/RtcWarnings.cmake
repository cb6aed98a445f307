# Warning flags shared by every target of the project.
function(rtc_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter
                         -Werror=switch)
  if(RTC_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(RTC_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined
                           -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()
