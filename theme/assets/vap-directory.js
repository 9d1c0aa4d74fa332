/* vap-portal: the directory filter (filled in with the directory step). */
