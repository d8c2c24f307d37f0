"""The deterministic demo district: synthetic people on the scheduler's synthetic world.

`pushin.demo.district.demo_district_load` writes it; `manage.py load_demo` runs it.
Nothing here is real: every name is made up and every record is synthetic.
"""
