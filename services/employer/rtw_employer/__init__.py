"""RTW employer: owns accommodation requests and the employer's decisions on them."""
