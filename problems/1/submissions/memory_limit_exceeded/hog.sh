# awk does the allocating: bash itself grows strings too slowly to reach the limit in time
awk 'BEGIN { s = "0123456789abcdef"; while (1) s = s s }'
