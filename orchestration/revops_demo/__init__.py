"""The demo business and its tools, apart from the runtime: the deterministic generator
(revops_demo.generate) and the `revops-demo` command line. It depends on the runtime package
revops (the landing contract); revops never imports it."""
