from rtw_shared.db import new_base

Base = new_base()
