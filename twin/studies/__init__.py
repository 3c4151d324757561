"""Questions asked of runs: altitude and design comparisons (:mod:`.compare`), eclipse seasons
(:mod:`.seasons`), the public claims (:mod:`.claims`) and economics (:mod:`.economics`)."""
