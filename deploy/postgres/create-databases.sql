-- One database per service (docker-compose runs this on the first start of its volume).
CREATE DATABASE intake;
CREATE DATABASE workplan;
CREATE DATABASE employer;
CREATE DATABASE notify;
