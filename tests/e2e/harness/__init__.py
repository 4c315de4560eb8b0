"""End-to-end test harness for certgate: test PKI, gateway process, upstream server, curl/s_client clients."""
