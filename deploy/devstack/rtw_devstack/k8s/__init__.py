"""The Helm chart's tooling (deploy/helm/rtw): the data files it reads, generated from the code
(`chart_data`), the offline check's tools, installed from package registries (`tools`), the check
itself (`check`: `make k8s-check`), and the operators' CRD schemas (`crds`)."""
